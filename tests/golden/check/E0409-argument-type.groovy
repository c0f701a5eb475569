pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                timeout(time: 'soon') {
                    echo 'hi'
                }
            }
        }
    }
}
