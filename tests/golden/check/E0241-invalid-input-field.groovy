pipeline {
    agent any
    stages {
        stage('a') {
            input {
                message 'Deploy?'
                timeout 5
            }
            steps {
                echo 'hi'
            }
        }
    }
}
