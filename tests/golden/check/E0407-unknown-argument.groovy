pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                timeout(time: 5, banana: 'nope') {
                    echo 'hi'
                }
            }
        }
    }
}
