pipeline {
    agent any
    stages {
        stage('build') {
            input {
                ok 'Go'
            }
            steps {
                echo 'hi'
            }
        }
    }
}
