pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                timeout(time: 1, time: 2) {
                    echo 'hi'
                }
            }
        }
    }
}
